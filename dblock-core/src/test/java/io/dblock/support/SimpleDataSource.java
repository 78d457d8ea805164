package io.dblock.support;

import io.dblock.testing.internal.AbstractDataSource;

/**
 * The base of this package's data sources: {@link AbstractDataSource} of dblock-testing, which leaves subclasses only
 * to say how a connection is opened.
 */
abstract class SimpleDataSource extends AbstractDataSource {}
