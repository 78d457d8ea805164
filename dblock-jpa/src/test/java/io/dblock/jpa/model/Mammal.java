package io.dblock.jpa.model;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.SecondaryTable;
import jakarta.persistence.Table;

/** A JOINED child with a secondary table, which its own subclasses inherit. */
@Entity
@Table(name = "mammal")
@SecondaryTable(name = "mammal_habitat")
public class Mammal extends Animal {
    boolean furry;

    @Column(table = "mammal_habitat")
    String habitat;
}
