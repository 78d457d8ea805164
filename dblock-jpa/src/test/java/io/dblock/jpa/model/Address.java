package io.dblock.jpa.model;

import jakarta.persistence.Embeddable;

/** An embeddable: its columns live in {@link Customer}'s table. */
@Embeddable
public class Address {
    String city;
}
