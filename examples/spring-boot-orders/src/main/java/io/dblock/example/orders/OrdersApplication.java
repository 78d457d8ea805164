package io.dblock.example.orders;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.scheduling.annotation.EnableScheduling;

/**
 * An order book on PostgreSQL that uses dblock where Spring applications need it: a table lock on an entity's table
 * ({@link io.dblock.example.orders.service.SettlementService}), an advisory lock per invoice ({@link
 * io.dblock.example.orders.service.InvoiceService}) and a job that runs on one node only ({@link
 * io.dblock.example.orders.service.NightlyReportJob}).
 *
 * <p>No {@code @EnableDbLocks}, no {@code DbLocks} bean and no {@code TableNameResolver} bean here: the dblock
 * starter configures all three from the class path.
 *
 * <p>{@code java -jar orders-example.jar} runs the contention demo ({@link
 * io.dblock.example.orders.demo.ContentionDemo}) and exits; with {@code --server} it runs the demo and then keeps
 * serving HTTP, Actuator's {@code /actuator/dblock} and {@code /actuator/metrics/dblock.acquire} included.
 */
@SpringBootApplication
@EnableScheduling
public class OrdersApplication {

    public static void main(String[] args) {
        boolean server = Arrays.asList(args).contains("--server");
        List<String> springArgs =
                Arrays.stream(args).filter(arg -> !arg.equals("--server")).toList();
        SpringApplication application = new SpringApplication(OrdersApplication.class);
        application.setWebApplicationType(server ? WebApplicationType.SERVLET : WebApplicationType.NONE);
        application.setDefaultProperties(Map.of("demo.run", "true", "demo.keep-running", Boolean.toString(server)));
        ConfigurableApplicationContext context;
        try {
            context = application.run(springArgs.toArray(String[]::new));
        } catch (RuntimeException failed) {
            // Spring Boot has logged the failure and closed the context.
            System.exit(1);
            return;
        }
        if (!server) {
            System.exit(SpringApplication.exit(context));
        }
    }
}
