/**
 * The Actuator endpoint {@code dblock}: the database's current locks and waits, as {@link
 * io.dblock.inspect.LockInspector} sees them. Exposed over HTTP only when the application includes it, for example with
 * {@code management.endpoints.web.exposure.include=health,dblock}.
 */
package io.dblock.spring.boot.actuate;
