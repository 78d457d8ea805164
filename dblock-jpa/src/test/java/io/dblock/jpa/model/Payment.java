package io.dblock.jpa.model;

import jakarta.persistence.Entity;
import jakarta.persistence.Inheritance;
import jakarta.persistence.InheritanceType;

/** Abstract root of a TABLE_PER_CLASS hierarchy: Hibernate creates no table for it. */
@Entity
@Inheritance(strategy = InheritanceType.TABLE_PER_CLASS)
public abstract class Payment extends BaseEntity {
    long amount;
}
