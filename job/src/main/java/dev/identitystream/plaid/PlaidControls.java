package dev.identitystream.plaid;

import java.util.Optional;

/**
 * What a budgeted Plaid client lets the job steer: its part of the application's rate budget (set
 * from the stage's fleet share) and its adaptive concurrency limit (read by the stage's in-flight
 * limiter).
 *
 * @param rate the fleet rate, or empty when {@code plaid.requests.per.minute} is 0 (off)
 * @param concurrency the adaptive concurrency limit (the cap itself when turned off)
 */
public record PlaidControls(Optional<FleetRate> rate, AdaptiveConcurrency concurrency) {}
