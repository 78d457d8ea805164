package io.dblock.jpa.model;

import jakarta.persistence.Entity;

@Entity
public class Car extends Vehicle {
    int seats;
}
