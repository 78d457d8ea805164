package io.dblock.jpa.model;

import org.hibernate.boot.model.naming.Identifier;
import org.hibernate.boot.model.naming.PhysicalNamingStrategyStandardImpl;
import org.hibernate.engine.jdbc.env.spi.JdbcEnvironment;

/** A custom physical naming strategy: table names get the prefix {@code App} and are quoted, so they keep their case. */
public class AppPrefixNamingStrategy extends PhysicalNamingStrategyStandardImpl {

    private static final long serialVersionUID = 1L;

    @Override
    public Identifier toPhysicalTableName(Identifier logicalName, JdbcEnvironment environment) {
        return Identifier.toIdentifier("App" + logicalName.getText(), true);
    }
}
