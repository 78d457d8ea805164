package io.dblock.jpa.model;

import jakarta.persistence.Entity;

@Entity
public class Truck extends Vehicle {
    int axles;
}
