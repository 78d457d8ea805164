/**
 * The engine SPI: what a database engine implements so dblock can lock on it. Engines are found with {@link
 * java.util.ServiceLoader} through {@link io.dblock.spi.LockEngineProvider}.
 */
package io.dblock.spi;
