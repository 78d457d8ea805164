package io.dblock.jpa.model;

import jakarta.persistence.Entity;
import jakarta.persistence.Table;

/** PostgreSQL: quoted schema and table names, with a space and a dot in them. */
@Entity
@Table(schema = "\"Sales Dept\"", name = "\"Ledger.Entry\"")
public class LedgerEntry extends BaseEntity {
    long amount;
}
