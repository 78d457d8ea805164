package io.dblock.jpa.model;

import jakarta.persistence.Entity;
import jakarta.persistence.Table;

@Entity
@Table(name = "card_payment")
public class CardPayment extends Payment {
    String cardNumber;
}
