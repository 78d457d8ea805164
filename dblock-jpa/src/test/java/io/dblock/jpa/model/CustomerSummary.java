package io.dblock.jpa.model;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import org.hibernate.annotations.Immutable;
import org.hibernate.annotations.Subselect;
import org.hibernate.annotations.Synchronize;

/** An entity mapped to a query rather than a table. */
@Entity
@Immutable
@Subselect("select id, name from Customer")
@Synchronize("Customer")
public class CustomerSummary {
    @Id
    Long id;

    String name;
}
