package io.dblock.spring.boot.jpa;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;

/** A table locked while another one has pending work; table {@code depot}. */
@Entity
public class Depot {
    @Id
    private Long id;

    /** For JPA. */
    protected Depot() {}
}
