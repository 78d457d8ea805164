package io.dblock.jpa.model;

import jakarta.persistence.Embedded;
import jakarta.persistence.Entity;

/** A plain entity without {@code @Table}: its table is named by the naming strategies. */
@Entity
public class Customer extends BaseEntity {
    String name;

    @Embedded
    Address address;
}
