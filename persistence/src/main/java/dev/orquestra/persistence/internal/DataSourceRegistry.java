package dev.orquestra.persistence.internal;

import javax.sql.DataSource;
import org.apache.pekko.actor.AbstractExtensionId;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.Extension;

/** Carries a user's {@link DataSource} into one actor system, where {@link DataSourceProvider} finds it. */
public final class DataSourceRegistry implements Extension {

    private static final Id ID = new Id();

    private volatile DataSource dataSource;
    private volatile int maxConnections;

    public static DataSourceRegistry get(ActorSystem system) {
        return ID.get(system);
    }

    public void attach(DataSource value, int connections) {
        this.dataSource = value;
        this.maxConnections = connections;
    }

    DataSource dataSource() {
        DataSource ds = dataSource;
        if (ds == null) {
            throw new IllegalStateException("no DataSource attached to this actor system; use JdbcStore.postgres(DataSource)");
        }
        return ds;
    }

    int maxConnections() {
        return maxConnections;
    }

    private static final class Id extends AbstractExtensionId<DataSourceRegistry> {
        @Override
        public DataSourceRegistry createExtension(ExtendedActorSystem system) {
            return new DataSourceRegistry();
        }
    }
}
