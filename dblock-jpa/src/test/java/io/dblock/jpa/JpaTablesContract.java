package io.dblock.jpa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dblock.DbLocks;
import io.dblock.TableLock;
import io.dblock.TableLockMode;
import io.dblock.TableName;
import io.dblock.jpa.model.Account;
import io.dblock.jpa.model.Address;
import io.dblock.jpa.model.Animal;
import io.dblock.jpa.model.AppPrefixNamingStrategy;
import io.dblock.jpa.model.BaseEntity;
import io.dblock.jpa.model.Car;
import io.dblock.jpa.model.CardPayment;
import io.dblock.jpa.model.Customer;
import io.dblock.jpa.model.CustomerSummary;
import io.dblock.jpa.model.Dog;
import io.dblock.jpa.model.Gadget;
import io.dblock.jpa.model.LineItem;
import io.dblock.jpa.model.Mammal;
import io.dblock.jpa.model.Payment;
import io.dblock.jpa.model.PurchaseOrder;
import io.dblock.jpa.model.SavingsAccount;
import io.dblock.jpa.model.Truck;
import io.dblock.jpa.model.UnlistedEntity;
import io.dblock.jpa.model.Vehicle;
import io.dblock.jpa.model.Widget;
import io.dblock.testing.TestDatabase;
import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.hibernate.boot.model.naming.CamelCaseToUnderscoresNamingStrategy;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What {@link JpaTables} must do on every engine: resolve each mapping case to the tables Hibernate really created, and
 * hand dblock names that lock exactly those tables on the server. One persistence unit (tables created by Hibernate) per
 * engine lives for the whole class; naming-strategy tests start their own.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class JpaTablesContract {

    /** The entities every engine maps; subclasses add their engine's qualified tables. */
    static final List<Class<?>> COMMON_ENTITIES = List.of(
            Customer.class,
            PurchaseOrder.class,
            LineItem.class,
            Vehicle.class,
            Car.class,
            Truck.class,
            Animal.class,
            Mammal.class,
            Dog.class,
            Account.class,
            SavingsAccount.class,
            Payment.class,
            CardPayment.class,
            Gadget.class,
            Widget.class,
            CustomerSummary.class);

    private final EngineTables engine;
    EntityManagerFactory emf;
    DataSource dataSource;
    DbLocks locks;

    JpaTablesContract(EngineTables engine) {
        this.engine = engine;
    }

    @BeforeAll
    void startPersistenceUnit(TestDatabase database) throws SQLException {
        dataSource = database.dataSource();
        locks = DbLocks.create(dataSource);
        Sql.execute(dataSource, engine.createNamespaces().toArray(String[]::new));
        List<Class<?>> entities = new ArrayList<>(COMMON_ENTITIES);
        entities.addAll(engine.qualifiedEntities());
        emf = TestPersistenceUnit.open(dataSource, entities);
    }

    @AfterAll
    void stopPersistenceUnit() throws SQLException {
        if (emf != null) {
            emf.close();
        }
        Sql.execute(dataSource, engine.dropNamespaces().toArray(String[]::new));
    }

    /** Asserts, from another session, that {@code holder} holds write locks on exactly {@code tables}. */
    private void assertWriteLockedOnServer(Connection holder, List<TableName> tables) throws SQLException {
        long sessionId = Sql.number(holder, engine.sessionId());
        String defaultNamespace = Sql.strings(holder, engine.defaultNamespace()).get(0);
        try (Connection observer = dataSource.getConnection()) {
            assertThat(Sql.tables(observer, engine.writeLockedTables(), sessionId))
                    .containsExactlyInAnyOrderElementsOf(tables.stream()
                            .map(t -> TableName.of(t.schema().orElse(defaultNamespace), t.table()))
                            .toList());
        }
    }

    TableName table(String unquoted) {
        return TableName.of(engine.stored(unquoted));
    }

    @Test
    void entityWithoutTableAnnotationIsNamedByTheDefaultStrategy() {
        assertThat(JpaTables.of(emf, Customer.class)).containsExactly(table("Customer"));
        assertThat(JpaTables.of(emf, PurchaseOrder.class)).containsExactly(table("PurchaseOrder"));
    }

    @Test
    void singleTableSubclassesShareTheRootTable() {
        for (Class<?> entity : List.of(Vehicle.class, Car.class, Truck.class)) {
            assertThat(JpaTables.of(emf, entity)).as(entity.getSimpleName()).containsExactly(table("vehicle"));
        }
    }

    @Test
    void joinedSubclassBringsItsParentsRootFirstThenInheritedAndOwnSecondaryTables() {
        assertThat(JpaTables.of(emf, Animal.class)).containsExactly(table("zoo_animal"));
        assertThat(JpaTables.of(emf, Mammal.class))
                .containsExactly(table("zoo_animal"), table("mammal"), table("mammal_habitat"));
        assertThat(JpaTables.of(emf, Dog.class))
                .containsExactly(
                        table("zoo_animal"),
                        table("mammal"),
                        table("dog"),
                        table("mammal_habitat"),
                        table("dog_license"));
    }

    @Test
    void tablePerClassEntityIsItsOwnTableOnly() {
        assertThat(JpaTables.of(emf, Account.class)).containsExactly(table("account"));
        assertThat(JpaTables.of(emf, SavingsAccount.class)).containsExactly(table("savings_account"));
        assertThat(JpaTables.of(emf, CardPayment.class)).containsExactly(table("card_payment"));
    }

    @Test
    void abstractTablePerClassRootIsRefusedNamingItsConcreteSubclasses() {
        assertThatThrownBy(() -> JpaTables.of(emf, Payment.class))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(Payment.class.getName())
                .hasMessageContaining("TABLE_PER_CLASS")
                .hasMessageContaining(CardPayment.class.getName());
    }

    @Test
    void secondaryTablesFollowThePrimaryTableInDeclarationOrder() {
        assertThat(JpaTables.list(emf, LineItem.class))
                .containsExactly(table("LineItem"), table("LineItemNote"), table("LineItemAudit"));
    }

    @Test
    void quotedNamesLoseTheirQuotesAndKeepTheirCase() {
        assertThat(JpaTables.of(emf, Gadget.class)).containsExactly(TableName.of("GadgetBox"));
        assertThat(JpaTables.of(emf, Widget.class)).containsExactly(TableName.of("Widget Parts"));
    }

    @Test
    void duplicatesAreRemovedKeepingTheFirstOccurrence() {
        assertThat(JpaTables.of(emf, Mammal.class, Dog.class, Car.class, Vehicle.class, Mammal.class))
                .containsExactly(
                        table("zoo_animal"),
                        table("mammal"),
                        table("mammal_habitat"),
                        table("dog"),
                        table("dog_license"),
                        table("vehicle"));
    }

    @Test
    void listAndArrayFormsAgree() {
        Class<?>[] entities = {Customer.class, Dog.class, Gadget.class};
        assertThat(JpaTables.list(emf, entities)).containsExactly(JpaTables.of(emf, entities));
        assertThatThrownBy(() -> JpaTables.list(emf, Customer.class).add(table("x")))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void hibernateProxyClassResolvesToTheEntityItProxies() {
        try (EntityManager entityManager = emf.createEntityManager()) {
            Class<?> proxyClass = entityManager.getReference(Dog.class, 1L).getClass();
            assertThat(proxyClass).isNotEqualTo(Dog.class);
            assertThat(JpaTables.of(emf, proxyClass)).containsExactly(JpaTables.of(emf, Dog.class));
        }
    }

    @Test
    void mappedSuperclassIsRefusedNamingTheEntitiesThatExtendIt() {
        assertThatThrownBy(() -> JpaTables.of(emf, Customer.class, BaseEntity.class))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(BaseEntity.class.getName() + " is a @MappedSuperclass")
                .hasMessageContaining("pass the entity classes that extend it")
                .hasMessageContaining(Customer.class.getName());
    }

    @Test
    void embeddableIsRefusedPointingToTheEntitiesThatEmbedIt() {
        assertThatThrownBy(() -> JpaTables.of(emf, Address.class))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(Address.class.getName() + " is an @Embeddable")
                .hasMessageContaining("pass those entity classes");
    }

    @Test
    void classesThatAreNotEntitiesOfThisFactoryAreRefused() {
        assertThatThrownBy(() -> JpaTables.of(emf, UnlistedEntity.class))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(UnlistedEntity.class.getName() + " is annotated @Entity but is not an entity"
                        + " of this EntityManagerFactory");
        assertThatThrownBy(() -> JpaTables.of(emf, String.class))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("java.lang.String is not a JPA entity")
                .hasMessageContaining("pass @Entity classes");
    }

    @Test
    void entityMappedToAQueryIsRefused() {
        assertThatThrownBy(() -> JpaTables.of(emf, CustomerSummary.class))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(CustomerSummary.class.getName() + " is mapped to a SQL query (@Subselect)");
    }

    @Test
    void nullAndEmptyArgumentsAreRejected() {
        assertThatThrownBy(() -> JpaTables.of(null, Customer.class))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("entityManagerFactory must not be null");
        assertThatThrownBy(() -> JpaTables.of(emf, (Class<?>[]) null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("entities must not be null");
        assertThatThrownBy(() -> JpaTables.of(emf, Customer.class, null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("entities[1] must not be null");
        assertThatThrownBy(() -> JpaTables.of(emf))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no entity classes given");
    }

    @Test
    void closedFactoryIsRefused() {
        EntityManagerFactory closed =
                TestPersistenceUnit.open(dataSource, List.of(Customer.class), Map.of("hibernate.hbm2ddl.auto", "none"));
        closed.close();
        assertThatThrownBy(() -> JpaTables.of(closed, Customer.class))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("the EntityManagerFactory is closed");
    }

    @Test
    void resolvedTablesAreWriteLockedOnTheServerWhileTheWorkRuns() throws Exception {
        List<Class<?>> entities = new ArrayList<>(List.of(Dog.class, LineItem.class, Gadget.class, Widget.class));
        entities.addAll(engine.qualifiedEntities());
        TableName[] tables = JpaTables.of(emf, entities.toArray(Class<?>[]::new));

        String result = locks.tables(tables).inTransaction(holder -> {
            assertWriteLockedOnServer(holder, List.of(tables));
            for (TableName table : tables) {
                assertThat(lockableElsewhere(locks.tables(table).mode(TableLockMode.SHARE)))
                        .as("another session reading %s", table)
                        .isFalse();
            }
            return "worked under the lock";
        });

        assertThat(result).isEqualTo("worked under the lock");
        assertThat(lockableElsewhere(locks.tables(tables))).isTrue();
    }

    @Test
    void shareModeOnResolvedTablesAdmitsReadersAndExcludesWriters() throws Exception {
        TableName[] tables = JpaTables.of(emf, Mammal.class, Customer.class);
        locks.tables(tables)
                .mode(TableLockMode.SHARE)
                .timeout(Duration.ofSeconds(5))
                .inTransaction(holder -> {
                    assertThat(lockableElsewhere(locks.tables(tables).mode(TableLockMode.SHARE)))
                            .isTrue();
                    assertThat(lockableElsewhere(locks.tables(tables))).isFalse();
                    return null;
                });
    }

    @Test
    @SuppressWarnings("removal") // Hibernate 7 deprecates its copy of Spring Boot's strategy; 6.6 does not
    void camelCaseToUnderscoresStrategyNamesAreResolvedAndLockable() throws Exception {
        Map<String, Object> strategy =
                Map.of("hibernate.physical_naming_strategy", new CamelCaseToUnderscoresNamingStrategy());
        try (EntityManagerFactory snake =
                TestPersistenceUnit.open(dataSource, List.of(PurchaseOrder.class, LineItem.class), strategy)) {
            TableName[] tables = JpaTables.of(snake, PurchaseOrder.class, LineItem.class);
            assertThat(tables)
                    .containsExactly(
                            TableName.of("purchase_order"),
                            TableName.of("line_item"),
                            TableName.of("line_item_note"),
                            TableName.of("line_item_audit"));
            assertLockable(tables);
        }
    }

    @Test
    void customQuotingStrategyNamesAreResolvedAndLockable() throws Exception {
        Map<String, Object> strategy = Map.of("hibernate.physical_naming_strategy", new AppPrefixNamingStrategy());
        try (EntityManagerFactory prefixed =
                TestPersistenceUnit.open(dataSource, List.of(PurchaseOrder.class, LineItem.class), strategy)) {
            TableName[] tables = JpaTables.of(prefixed, PurchaseOrder.class, LineItem.class);
            assertThat(tables)
                    .containsExactly(
                            TableName.of("AppPurchaseOrder"),
                            TableName.of("AppLineItem"),
                            TableName.of("AppLineItemNote"),
                            TableName.of("AppLineItemAudit"));
            assertLockable(tables);
        }
    }

    /** Locks the tables and proves the lock is real; an unknown table would be a LockUsageException instead. */
    void assertLockable(TableName[] tables) throws Exception {
        locks.tables(tables).inTransaction(holder -> {
            assertWriteLockedOnServer(holder, List.of(tables));
            assertThat(lockableElsewhere(locks.tables(tables).mode(TableLockMode.SHARE)))
                    .isFalse();
            return null;
        });
    }

    /**
     * Whether another session could take {@code lock} right now, without waiting: tries it with {@code tryAcquire(conn,
     * Duration.ZERO)} on a connection of its own and gives it back.
     */
    boolean lockableElsewhere(TableLock lock) throws SQLException {
        try (Connection other = dataSource.getConnection()) {
            other.setAutoCommit(false);
            boolean locked = lock.tryAcquire(other, Duration.ZERO);
            other.rollback();
            if (locked) {
                lock.release(other);
            }
            return locked;
        }
    }
}
