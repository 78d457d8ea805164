package io.dblock.jpa.model;

import jakarta.persistence.Entity;
import jakarta.persistence.Inheritance;
import jakarta.persistence.InheritanceType;
import jakarta.persistence.Table;

/** Root of a JOINED hierarchy; its table name sorts after its subclasses' so parent-first order is visible. */
@Entity
@Table(name = "zoo_animal")
@Inheritance(strategy = InheritanceType.JOINED)
public class Animal extends BaseEntity {
    String name;
}
