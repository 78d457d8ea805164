package io.dblock.jpa.model;

import jakarta.persistence.Entity;

/** A camel-case entity name without {@code @Table}, to tell naming strategies apart. */
@Entity
public class PurchaseOrder extends BaseEntity {
    long total;
}
