package io.dblock.jpa.model;

import jakarta.persistence.Entity;
import jakarta.persistence.Table;

@Entity
@Table(name = "savings_account")
public class SavingsAccount extends Account {
    double rate;
}
