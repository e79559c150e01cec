/**
 * Real replicated MySQL-protocol topologies for integration tests.
 *
 * <p>Entry points: {@link dev.shardline.test.RealTopology} on a JUnit 5 test class (the topology is injected as a
 * {@link dev.shardline.test.MySqlTopology} parameter), or {@link dev.shardline.test.MySqlTopology#builder()}
 * directly. Nodes are local MariaDB processes ({@link dev.shardline.test.LocalBinaryProvider}) or, without
 * MariaDB but with Docker, MySQL 8.4 containers ({@link dev.shardline.test.TestcontainersProvider}). CI can run
 * {@link dev.shardline.test.StaleTopologyCleaner} to remove servers left behind by killed test JVMs.
 */
package dev.shardline.test;
