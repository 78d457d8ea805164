package io.dblock.spring.boot.jpa;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;

/** An entity without {@code @Table}: its table name comes from Spring Boot's naming strategy. */
@Entity
public class OutboundShipment {
    @Id
    private Long id;

    /** For JPA. */
    protected OutboundShipment() {}
}
