package io.dblock.spring.boot.jpa;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;

/** A row written under (or before) a table lock; table {@code parcel}. */
@Entity
public class Parcel {
    @Id
    private Long id;

    /** For JPA. */
    protected Parcel() {}

    public Parcel(long id) {
        this.id = id;
    }
}
