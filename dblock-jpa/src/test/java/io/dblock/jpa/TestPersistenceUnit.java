package io.dblock.jpa;

import jakarta.persistence.EntityManagerFactory;
import jakarta.persistence.SharedCacheMode;
import jakarta.persistence.ValidationMode;
import jakarta.persistence.spi.ClassTransformer;
import jakarta.persistence.spi.PersistenceUnitInfo;
import jakarta.persistence.spi.PersistenceUnitTransactionType;
import java.net.URL;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import javax.sql.DataSource;
import org.hibernate.jpa.HibernatePersistenceProvider;

/**
 * A persistence unit built in code, started the way a container (or Spring's {@code
 * LocalContainerEntityManagerFactoryBean}) starts one: {@link HibernatePersistenceProvider#createContainerEntityManagerFactory}.
 * Hibernate creates the tables on start and drops them on close ({@code hbm2ddl.auto=create-drop}) unless the settings
 * say otherwise.
 */
record TestPersistenceUnit(String name, DataSource dataSource, List<Class<?>> entities) implements PersistenceUnitInfo {

    /** Starts Hibernate over {@code dataSource} with exactly {@code entities} and the extra {@code settings}. */
    static EntityManagerFactory open(DataSource dataSource, List<Class<?>> entities, Map<String, Object> settings) {
        Map<String, Object> all = new HashMap<>();
        all.put("hibernate.hbm2ddl.auto", "create-drop");
        all.putAll(settings);
        return new HibernatePersistenceProvider()
                .createContainerEntityManagerFactory(
                        new TestPersistenceUnit("dblock-jpa-test", dataSource, entities), all);
    }

    static EntityManagerFactory open(DataSource dataSource, List<Class<?>> entities) {
        return open(dataSource, entities, Map.of());
    }

    @Override
    public String getPersistenceUnitName() {
        return name;
    }

    @Override
    public String getPersistenceProviderClassName() {
        return HibernatePersistenceProvider.class.getName();
    }

    @Override
    @SuppressWarnings("removal") // deprecated in Jakarta Persistence 3.2 for a top-level enum that 3.1 lacks
    public PersistenceUnitTransactionType getTransactionType() {
        return PersistenceUnitTransactionType.RESOURCE_LOCAL;
    }

    @Override
    public DataSource getJtaDataSource() {
        return null;
    }

    @Override
    public DataSource getNonJtaDataSource() {
        return dataSource;
    }

    @Override
    public List<String> getMappingFileNames() {
        return List.of();
    }

    @Override
    public List<URL> getJarFileUrls() {
        return List.of();
    }

    @Override
    public URL getPersistenceUnitRootUrl() {
        return null;
    }

    @Override
    public List<String> getManagedClassNames() {
        return entities.stream().map(Class::getName).toList();
    }

    @Override
    public boolean excludeUnlistedClasses() {
        return true;
    }

    @Override
    public SharedCacheMode getSharedCacheMode() {
        return SharedCacheMode.UNSPECIFIED;
    }

    @Override
    public ValidationMode getValidationMode() {
        return ValidationMode.NONE;
    }

    @Override
    public Properties getProperties() {
        return new Properties();
    }

    @Override
    public String getPersistenceXMLSchemaVersion() {
        return "3.0";
    }

    @Override
    public ClassLoader getClassLoader() {
        return TestPersistenceUnit.class.getClassLoader();
    }

    @Override
    public void addTransformer(ClassTransformer transformer) {}

    @Override
    public ClassLoader getNewTempClassLoader() {
        return getClassLoader();
    }

    /** Jakarta Persistence 3.2 (Hibernate 7) asks for this; under 3.1 it is a plain method. */
    public String getScopeAnnotationName() {
        return null;
    }

    /** Jakarta Persistence 3.2 (Hibernate 7) asks for this; under 3.1 it is a plain method. */
    public List<String> getQualifierAnnotationNames() {
        return List.of();
    }
}
