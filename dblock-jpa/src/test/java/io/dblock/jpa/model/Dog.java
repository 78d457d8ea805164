package io.dblock.jpa.model;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.SecondaryTable;
import jakarta.persistence.Table;

/** A JOINED grandchild with a secondary table of its own. */
@Entity
@Table(name = "dog")
@SecondaryTable(name = "dog_license")
public class Dog extends Mammal {
    String breed;

    @Column(table = "dog_license")
    String licenseNumber;
}
