package dev.orquestra.persistence.internal;

/** The plugins on PostgreSQL, in a schema of its own ({@code CI=true} makes the server mandatory). */
class PostgresPluginTest extends JdbcPluginContract {

    @Override
    protected Dialect dialect() {
        return Dialect.POSTGRES;
    }
}
