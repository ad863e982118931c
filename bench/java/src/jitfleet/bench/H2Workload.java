package jitfleet.bench;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

/**
 * H2 in-memory SQL: each iteration creates a fresh database, creates two tables, inserts
 * customers and orders through batched prepared statements, builds an index, then runs
 * joins, aggregates, an update and a sorted top-N query.
 */
final class H2Workload implements Workload {
    private static final int CUSTOMERS = 500;
    private static final int ORDERS = 5_000;

    private int database;

    @Override
    public void setUp(String[] args) {}

    @Override
    public long iterate() throws SQLException {
        // A new name per iteration: the database is dropped when its last connection closes.
        String url = "jdbc:h2:mem:bench" + (database++);
        try (Connection connection = new org.h2.Driver().connect(url, new Properties())) {
            createAndFill(connection);
            return query(connection);
        }
    }

    private static void createAndFill(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE customer(id INT PRIMARY KEY, name VARCHAR(40), region INT)");
            statement.execute("CREATE TABLE orders(id INT PRIMARY KEY, cust INT, amount DECIMAL(12,2), dday INT)");
        }
        Lcg random = new Lcg(42);
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO customer VALUES(?, ?, ?)")) {
            for (int id = 0; id < CUSTOMERS; id++) {
                insert.setInt(1, id);
                insert.setString(2, "customer-" + random.nextInt(100_000));
                insert.setInt(3, random.nextInt(12));
                insert.addBatch();
            }
            insert.executeBatch();
        }
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO orders VALUES(?, ?, ?, ?)")) {
            for (int id = 0; id < ORDERS; id++) {
                insert.setInt(1, id);
                insert.setInt(2, random.nextInt(CUSTOMERS));
                insert.setBigDecimal(3, BigDecimal.valueOf(random.nextInt(1_000_000), 2));
                insert.setInt(4, random.nextInt(365));
                insert.addBatch();
                if (id % 1_000 == 999) {
                    insert.executeBatch();
                }
            }
            insert.executeBatch();
        }
        try (Statement statement = connection.createStatement()) {
            statement.execute("CREATE INDEX orders_cust ON orders(cust)");
        }
    }

    private static long query(Connection connection) throws SQLException {
        Checksum checksum = new Checksum();
        try (Statement statement = connection.createStatement()) {
            collect(checksum, statement.executeQuery(
                    "SELECT c.region, COUNT(*), SUM(o.amount), MAX(o.amount) FROM orders o "
                            + "JOIN customer c ON c.id = o.cust GROUP BY c.region ORDER BY c.region"));
            collect(checksum, statement.executeQuery(
                    "SELECT cust, SUM(amount) s FROM orders GROUP BY cust ORDER BY s DESC, cust LIMIT 10"));
            checksum.add(statement.executeUpdate("UPDATE orders SET amount = amount * 2 WHERE MOD(dday, 7) = 0"));
            collect(checksum, statement.executeQuery(
                    "SELECT COUNT(*), SUM(amount), AVG(dday) FROM orders WHERE dday BETWEEN 100 AND 200"));
        }
        try (PreparedStatement lookup = connection.prepareStatement(
                "SELECT c.name, COUNT(o.id), SUM(o.amount) FROM customer c LEFT JOIN orders o ON o.cust = c.id "
                        + "WHERE c.id = ? GROUP BY c.name")) {
            for (int id = 0; id < CUSTOMERS; id += 7) {
                lookup.setInt(1, id);
                collect(checksum, lookup.executeQuery());
            }
        }
        return checksum.value();
    }

    private static void collect(Checksum checksum, ResultSet rows) throws SQLException {
        try (rows) {
            int columns = rows.getMetaData().getColumnCount();
            while (rows.next()) {
                for (int c = 1; c <= columns; c++) {
                    checksum.add(String.valueOf(rows.getString(c)));
                }
            }
        }
    }
}
