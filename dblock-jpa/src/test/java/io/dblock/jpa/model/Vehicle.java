package io.dblock.jpa.model;

import jakarta.persistence.Entity;
import jakarta.persistence.Inheritance;
import jakarta.persistence.InheritanceType;
import jakarta.persistence.Table;

/** Root of a SINGLE_TABLE hierarchy: every subclass lives in this one table. */
@Entity
@Table(name = "vehicle")
@Inheritance(strategy = InheritanceType.SINGLE_TABLE)
public class Vehicle extends BaseEntity {
    String plate;
}
