package io.dblock.jpa.model;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.SecondaryTable;

/** Two secondary tables, declared out of alphabetical order. No {@code @Table}: named by the strategies. */
@Entity
@SecondaryTable(name = "LineItemNote")
@SecondaryTable(name = "LineItemAudit")
public class LineItem extends BaseEntity {
    long quantity;

    @Column(table = "LineItemNote")
    String note;

    @Column(table = "LineItemAudit")
    String changedBy;
}
