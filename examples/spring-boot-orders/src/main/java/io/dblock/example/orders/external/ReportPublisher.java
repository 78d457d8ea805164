package io.dblock.example.orders.external;

import io.dblock.example.orders.service.NightlyReport;

/** Publishes the nightly report (to a mailing list, a bucket, a dashboard). Must happen once per night. */
public interface ReportPublisher {

    void publish(NightlyReport report);
}
