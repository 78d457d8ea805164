package io.dblock.jpa.model;

import jakarta.persistence.Entity;
import jakarta.persistence.Table;

/** MySQL/MariaDB: a table in another database, which JPA calls the catalog there. */
@Entity
@Table(catalog = "dblock_jpa_archive", name = "book")
public class Book extends BaseEntity {
    String title;
}
