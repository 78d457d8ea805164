package io.dblock.jpa.model;

import jakarta.persistence.Entity;
import jakarta.persistence.Table;

/** A table name quoted the Hibernate way (backticks), with a space in it. */
@Entity
@Table(name = "`Widget Parts`")
public class Widget extends BaseEntity {
    String label;
}
