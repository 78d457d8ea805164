package io.dblock.jpa.model;

import jakarta.persistence.Entity;

/** An entity that no test persistence unit lists. */
@Entity
public class UnlistedEntity extends BaseEntity {}
