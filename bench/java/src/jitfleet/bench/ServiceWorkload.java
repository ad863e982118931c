package jitfleet.bench;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;

/**
 * A servlet application on embedded Tomcat 10, for load from {@code wrk} in another process.
 *
 * <p>It listens on 127.0.0.1 with an ephemeral port, prints {@code JF-BENCH ready port=N},
 * and serves until a line (or end of input) arrives on stdin; then it prints the /proc
 * figures and exits, so that training runs for class archives end with a normal exit.
 */
final class ServiceWorkload {
    private ServiceWorkload() {}

    static void serve(String[] args) throws Exception {
        Logger.getLogger("org.apache").setLevel(Level.WARNING);
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(Files.createTempDirectory("jitfleet-bench-tomcat").toString());
        Connector connector = new Connector();
        connector.setPort(0);
        connector.setProperty("address", "127.0.0.1");
        tomcat.setConnector(connector);
        Context context = tomcat.addContext("", null);
        Tomcat.addServlet(context, "catalog", new CatalogServlet());
        context.addServletMappingDecoded("/catalog", "catalog");
        tomcat.start();
        System.out.println("JF-BENCH ready port=" + connector.getLocalPort());
        System.out.flush();
        BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in));
        stdin.readLine();
        ProcStats.print();
        System.out.flush();
        System.exit(0);
    }

    /** Filters, sorts and renders a product list as JSON: typical small-service work. */
    static final class CatalogServlet extends HttpServlet {
        private final List<long[]> products = new ArrayList<>();

        CatalogServlet() {
            Lcg random = new Lcg(3);
            for (int i = 0; i < 500; i++) {
                products.add(new long[] {i, random.nextInt(20), random.nextInt(100_000), random.nextInt(1_000)});
            }
        }

        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
            String parameter = request.getParameter("category");
            int category = parameter == null ? 0 : Integer.parseInt(parameter) % 20;
            List<long[]> selected = new ArrayList<>();
            for (long[] product : products) {
                if (product[1] == category || product[3] % 20 == category) {
                    selected.add(product);
                }
            }
            selected.sort(Comparator.<long[]>comparingLong(p -> -p[2]).thenComparingLong(p -> p[0]));
            StringBuilder json = new StringBuilder("{\"category\":").append(category).append(",\"items\":[");
            for (int i = 0; i < selected.size(); i++) {
                long[] p = selected.get(i);
                json.append(i == 0 ? "" : ",").append("{\"id\":").append(p[0]).append(",\"price\":\"")
                        .append(String.format("%d.%02d", p[2] / 100, p[2] % 100)).append("\",\"stock\":")
                        .append(p[3]).append('}');
            }
            json.append("]}");
            response.setContentType("application/json");
            response.setCharacterEncoding("UTF-8");
            response.getWriter().write(json.toString());
        }
    }
}
