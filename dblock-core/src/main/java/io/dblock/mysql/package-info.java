/**
 * The MySQL and MariaDB engines: named locks through {@code GET_LOCK}, table locks through {@code LOCK TABLES}.
 */
package io.dblock.mysql;
