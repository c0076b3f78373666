package io.regshift.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A static-field extension: one etcd serves every test of the class. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EtcdExtensionPerClassTest {

  @RegisterExtension static EtcdExtension etcd = new EtcdExtension();

  private static String firstEndpoint;

  @Test
  @Order(1)
  void firstTestWrites() {
    firstEndpoint = etcd.endpoint();
    new Etcdctl(etcd.endpoint()).put("/shared", "kept for the next test");
  }

  @Test
  @Order(2)
  void secondTestSeesTheSameServerAndItsData() {
    assertEquals(firstEndpoint, etcd.endpoint());
    assertEquals(Optional.of("kept for the next test"), new Etcdctl(etcd.endpoint()).get("/shared"));
  }
}
