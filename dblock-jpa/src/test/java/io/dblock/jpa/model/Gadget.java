package io.dblock.jpa.model;

import jakarta.persistence.Entity;
import jakarta.persistence.Table;

/** A table name quoted the JPA way: the database keeps its case. */
@Entity
@Table(name = "\"GadgetBox\"")
public class Gadget extends BaseEntity {
    String label;
}
