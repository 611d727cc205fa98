// Kafka's own produce-to-consume latency with the gateway's client settings (the reference for
// publish-to-receive, docs/PERFORMANCE.md): 100-byte records at 100/s, WARM warm-up records, then
// 1,000 timed ones, send to poll in one JVM (FETCH_WAIT: the reader's fetch.max.wait.ms, 500 as the
// gateway's). Against a broker of its own:
//   taskset -c 0 ./fanfare kafka --port 19092 --data-dir /tmp/k2k &
//   cd gateway && BS=127.0.0.1:19092 taskset -c 1 jshell --class-path \
//     "target/fanfare-gateway.jar:$(ls target/lib/*.jar | tr '\n' ':')" ../scripts/kafka-latency.jsh
import org.apache.kafka.clients.producer.*;
import org.apache.kafka.clients.consumer.*;
import org.apache.kafka.clients.admin.*;
import org.apache.kafka.common.*;
import org.apache.kafka.common.serialization.*;
import org.HdrHistogram.Histogram;
import java.time.Duration;
import java.util.*;
String bs = System.getenv("BS");
String topic = "kafka-latency-" + System.nanoTime();
try (Admin a = Admin.create(Map.of("bootstrap.servers", bs))) { a.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get(); }
var pp = dev.fanfare.gateway.kafka.Producers.reliable(bs, "k2k-p", Duration.ofSeconds(10));
pp.put("key.serializer", ByteArraySerializer.class.getName()); pp.put("value.serializer", ByteArraySerializer.class.getName());
var producer = new KafkaProducer<byte[], byte[]>(pp);
var cp = new Properties(); cp.put("bootstrap.servers", bs); cp.put("enable.auto.commit", false); cp.put("auto.offset.reset", "latest"); cp.put("fetch.max.wait.ms", Integer.parseInt(System.getenv().getOrDefault("FETCH_WAIT", "500"))); cp.put("max.poll.records", 1000);
cp.put("key.deserializer", ByteArrayDeserializer.class.getName()); cp.put("value.deserializer", ByteArrayDeserializer.class.getName());
var consumer = new KafkaConsumer<byte[], byte[]>(cp);
var tp = new TopicPartition(topic, 0); consumer.assign(List.of(tp)); consumer.seekToEnd(List.of(tp)); consumer.position(tp);
var h = new Histogram(3600_000_000L, 3);
int warm = Integer.parseInt(System.getenv().getOrDefault("WARM", "2000")), total = warm + 1000;
var sender = new Thread(() -> { try { long next = System.nanoTime(); for (int i = 0; i < total; i++) { byte[] v = new byte[100]; java.nio.ByteBuffer.wrap(v).putLong(System.nanoTime()).putInt(i); producer.send(new ProducerRecord<>(topic, v)); next += 10_000_000L; long w = next - System.nanoTime(); if (w > 0) Thread.sleep(w / 1_000_000, (int) (w % 1_000_000)); } } catch (Exception e) { e.printStackTrace(); } });
sender.start();
int got = 0;
while (got < total) { for (var r : consumer.poll(Duration.ofMillis(200))) { var b = java.nio.ByteBuffer.wrap(r.value()); long t = b.getLong(); int i = b.getInt(); got++; if (i >= warm) h.recordValue((System.nanoTime() - t) / 1000); } }
System.out.printf("kafka produce-to-consume (acks=all, idempotent, linger 0; fetch.max.wait %s ms), %d after %d warm-up: p50 %.2f ms p99 %.2f ms%n", cp.get("fetch.max.wait.ms"), h.getTotalCount(), warm, h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(99) / 1000.0);
producer.close(); consumer.close();
/exit
