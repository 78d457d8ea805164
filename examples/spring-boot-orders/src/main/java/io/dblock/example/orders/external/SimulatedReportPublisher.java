package io.dblock.example.orders.external;

import io.dblock.example.orders.service.NightlyReport;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/** Stands in for the report's destination: records what was published. See {@link #duringPublish(Runnable)}. */
@Component
public class SimulatedReportPublisher implements ReportPublisher {

    private static final Logger log = LoggerFactory.getLogger(SimulatedReportPublisher.class);

    private final List<NightlyReport> published = new CopyOnWriteArrayList<>();
    private volatile Runnable duringPublish = () -> {};

    @Override
    public void publish(NightlyReport report) {
        log.info("publisher: publishing the nightly report: {}", report);
        duringPublish.run();
        published.add(report);
    }

    /** What publishing does while it is in progress; runs on the publishing thread. */
    public void duringPublish(Runnable action) {
        this.duringPublish = action;
    }

    public List<NightlyReport> published() {
        return List.copyOf(published);
    }

    public void reset() {
        published.clear();
        duringPublish = () -> {};
    }
}
