package io.dblock.jpa.model;

import jakarta.persistence.Entity;
import jakarta.persistence.Table;

/** PostgreSQL: a table in a schema of its own. */
@Entity
@Table(schema = "billing", name = "invoice")
public class Invoice extends BaseEntity {
    long amount;
}
