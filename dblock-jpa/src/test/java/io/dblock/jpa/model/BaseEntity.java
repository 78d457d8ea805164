package io.dblock.jpa.model;

import jakarta.persistence.Id;
import jakarta.persistence.MappedSuperclass;

/** The id every test entity inherits: a mapped superclass, which has no table of its own. */
@MappedSuperclass
public abstract class BaseEntity {
    @Id
    Long id;
}
