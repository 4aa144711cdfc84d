package dev.orquestra.persistence.internal;

import com.typesafe.config.Config;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.persistence.jdbc.db.EagerSlickDatabase;
import org.apache.pekko.persistence.jdbc.db.SlickDatabase;
import org.apache.pekko.persistence.jdbc.db.SlickDatabaseProvider;
import scala.Option;
import slick.jdbc.JdbcBackend;
import slick.jdbc.JdbcBackend$;
import slick.jdbc.PostgresProfile$;
import slick.util.AsyncExecutor$;

/**
 * Gives pekko-persistence-jdbc a database over the user's own {@link DataSource} (PostgreSQL). The
 * plugin instantiates it by reflection with the actor system; the data source comes from
 * {@link DataSourceRegistry}. The user keeps ownership: closing the engine never closes their pool.
 */
public final class DataSourceProvider implements SlickDatabaseProvider {

    private final ActorSystem system;
    private volatile SlickDatabase database;

    public DataSourceProvider(ActorSystem system) {
        this.system = system;
    }

    @Override
    public SlickDatabase database(Config config) {
        SlickDatabase db = database;
        if (db == null) {
            synchronized (this) {
                db = database;
                if (db == null) {
                    DataSourceRegistry registry = DataSourceRegistry.get(system);
                    int connections = registry.maxConnections();
                    JdbcBackend.JdbcDatabaseDef slickDb = JdbcBackend$.MODULE$.Database().forDataSource(
                            new Unclosable(registry.dataSource()), Option.apply(connections),
                            AsyncExecutor$.MODULE$.apply("orquestra-jdbc", connections, connections, 100_000, connections),
                            false);
                    db = new EagerSlickDatabase(slickDb, PostgresProfile$.MODULE$);
                    database = db;
                }
            }
        }
        return db;
    }

    /** Hides {@code close()} of the user's pool from Slick, which closes closeable data sources on shutdown. */
    private record Unclosable(DataSource delegate) implements DataSource {
        @Override
        public Connection getConnection() throws SQLException {
            return delegate.getConnection();
        }

        @Override
        public Connection getConnection(String username, String password) throws SQLException {
            return delegate.getConnection(username, password);
        }

        @Override
        public PrintWriter getLogWriter() throws SQLException {
            return delegate.getLogWriter();
        }

        @Override
        public void setLogWriter(PrintWriter out) throws SQLException {
            delegate.setLogWriter(out);
        }

        @Override
        public void setLoginTimeout(int seconds) throws SQLException {
            delegate.setLoginTimeout(seconds);
        }

        @Override
        public int getLoginTimeout() throws SQLException {
            return delegate.getLoginTimeout();
        }

        @Override
        public Logger getParentLogger() throws SQLFeatureNotSupportedException {
            return delegate.getParentLogger();
        }

        @Override
        public <T> T unwrap(Class<T> iface) throws SQLException {
            return delegate.unwrap(iface);
        }

        @Override
        public boolean isWrapperFor(Class<?> iface) throws SQLException {
            return delegate.isWrapperFor(iface);
        }
    }
}
