/*
 * A minimal SPNEGO (HTTP Negotiate) acceptor on OpenJDK's JGSS, for the service-acceptance
 * suite (test/services/jgss.ts compiles and starts it; curl --negotiate is the client).
 *
 *   java -Djava.security.krb5.conf=KRB5_CONF -Djava.security.auth.login.config=JAAS_CONF \
 *        SpnegoAcceptor PORT
 *
 * Listens on 127.0.0.1:PORT only. GET /ENTRY authenticates against the JAAS entry ENTRY of
 * JAAS_CONF (Krb5LoginModule with useKeyTab, storeKey, isInitiator=false: the acceptor
 * credentials of Tomcat's SpnegoAuthenticator and JBoss/WildFly's security domains).
 *
 * The JAAS login of an entry happens at its first request and the Subject is kept for the
 * life of the process, like a long-running application server. With ?login=request the
 * acceptor logs in again for that request (what Tomcat's SpnegoAuthenticator does).
 *
 * Replies: 401 + "WWW-Authenticate: Negotiate" without a token; 200 and
 * "OK client=... service=... mech=..." when the context is established; 403 and
 * "GSS-FAILURE ..." when JGSS refuses the token; 500 "LOGIN-FAILURE ..." if the JAAS login
 * fails. Prints "listening 127.0.0.1:PORT" on stdout once ready.
 */
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.PrivilegedActionException;
import java.security.PrivilegedExceptionAction;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.security.auth.Subject;
import javax.security.auth.login.LoginContext;
import javax.security.auth.login.LoginException;
import org.ietf.jgss.GSSContext;
import org.ietf.jgss.GSSCredential;
import org.ietf.jgss.GSSException;
import org.ietf.jgss.GSSManager;
import org.ietf.jgss.Oid;

public final class SpnegoAcceptor {
  private static final Map<String, Subject> SUBJECTS = new ConcurrentHashMap<>();
  private static final GSSManager MANAGER = GSSManager.getInstance();

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), port), 16);
    server.createContext("/", SpnegoAcceptor::handle);
    server.setExecutor(null);
    server.start();
    System.out.println("listening 127.0.0.1:" + port);
    System.out.flush();
  }

  private static Subject login(String entry, boolean fresh) throws LoginException {
    if (!fresh) {
      Subject kept = SUBJECTS.get(entry);
      if (kept != null) return kept;
    }
    LoginContext lc = new LoginContext(entry);
    lc.login();
    Subject subject = lc.getSubject();
    if (!fresh) SUBJECTS.put(entry, subject);
    return subject;
  }

  @SuppressWarnings("removal") // Subject.doAs: what Tomcat and JBoss call on Java 17
  private static <T> T as(Subject subject, PrivilegedExceptionAction<T> action) throws GSSException {
    try {
      return Subject.doAs(subject, action);
    } catch (PrivilegedActionException e) {
      if (e.getException() instanceof GSSException) throw (GSSException) e.getException();
      throw new IllegalStateException(e.getException());
    }
  }

  private static void handle(HttpExchange ex) throws IOException {
    try {
      String entry = ex.getRequestURI().getPath().replaceFirst("^/", "");
      String query = ex.getRequestURI().getQuery();
      boolean fresh = query != null && query.contains("login=request");
      String auth = ex.getRequestHeaders().getFirst("Authorization");
      if (auth == null || !auth.startsWith("Negotiate ")) {
        ex.getResponseHeaders().add("WWW-Authenticate", "Negotiate");
        reply(ex, 401, "Negotiate, please\n");
        return;
      }
      byte[] token = Base64.getDecoder().decode(auth.substring("Negotiate ".length()).trim());
      Subject subject;
      try {
        subject = login(entry, fresh);
      } catch (LoginException e) {
        System.err.println("JAAS login of " + entry + " failed: " + e);
        reply(ex, 500, "LOGIN-FAILURE " + e.getMessage() + "\n");
        return;
      }
      try {
        Oid spnego = new Oid("1.3.6.1.5.5.2");
        Oid krb5 = new Oid("1.2.840.113554.1.2.2");
        GSSCredential cred = as(subject, () -> MANAGER.createCredential(null, GSSCredential.INDEFINITE_LIFETIME, new Oid[] {spnego, krb5}, GSSCredential.ACCEPT_ONLY));
        GSSContext ctx = MANAGER.createContext(cred);
        byte[] out = as(subject, () -> ctx.acceptSecContext(token, 0, token.length));
        if (out != null && out.length > 0) ex.getResponseHeaders().add("WWW-Authenticate", "Negotiate " + Base64.getEncoder().encodeToString(out));
        if (!ctx.isEstablished()) {
          reply(ex, 401, "CONTINUE\n");
          return;
        }
        String body = "OK client=" + ctx.getSrcName() + " service=" + ctx.getTargName() + " mech=" + ctx.getMech() + " login=" + (fresh ? "request" : "kept") + "\n";
        ctx.dispose();
        reply(ex, 200, body);
      } catch (GSSException e) {
        System.err.println("accepting for " + entry + " failed: " + e);
        reply(ex, 403, "GSS-FAILURE " + e.getMessage() + "\n");
      }
    } catch (RuntimeException e) {
      System.err.println("request failed: " + e);
      reply(ex, 500, "ERROR " + e + "\n");
    }
  }

  private static void reply(HttpExchange ex, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
    ex.sendResponseHeaders(status, bytes.length);
    try (OutputStream os = ex.getResponseBody()) {
      os.write(bytes);
    }
  }
}
