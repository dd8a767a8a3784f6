package dev.candor.testing;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.handler.codec.dns.DatagramDnsQuery;
import io.netty.handler.codec.dns.DatagramDnsQueryDecoder;
import io.netty.handler.codec.dns.DatagramDnsResponse;
import io.netty.handler.codec.dns.DatagramDnsResponseEncoder;
import io.netty.handler.codec.dns.DefaultDnsQuestion;
import io.netty.handler.codec.dns.DefaultDnsRawRecord;
import io.netty.handler.codec.dns.DnsOpCode;
import io.netty.handler.codec.dns.DnsQuestion;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.handler.codec.dns.DnsResponseCode;
import io.netty.handler.codec.dns.DnsSection;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A real DNS server for tests: speaks the DNS wire protocol over UDP on 127.0.0.1 and a port of its own
 * (Netty's DNS codec), answers from a zone the test edits while it runs, and records every query. A name
 * can be made to answer with an error code (NXDOMAIN, SERVFAIL, REFUSED) or to drop queries unanswered.
 * Every response is authoritative, so an NXDOMAIN is final. Names the zone does not hold get NXDOMAIN.
 */
public final class TestDnsServer implements AutoCloseable {
    private final EventLoopGroup group;
    private final Channel channel;
    private final Map<String, Name> zone = new ConcurrentHashMap<>();
    private final List<Query> queries = new CopyOnWriteArrayList<>();
    private volatile boolean dropAll;

    /** One query as received. */
    public record Query(String name, DnsRecordType type, long nanoTime) {
    }

    /** One SRV record's data. */
    public record Srv(int priority, int weight, int port, String target) {
    }

    /** What the zone holds for one name. */
    private static final class Name {
        final Map<DnsRecordType, List<Rr>> records = new ConcurrentHashMap<>();
        volatile DnsResponseCode rcode;
        volatile boolean drop;
        /** How long each answer is held back, in milliseconds; 0 = at once. */
        volatile long delayMillis;
    }

    private record Rr(long ttl, byte[] data) {
    }

    private TestDnsServer() {
        group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("test-dns", true), NioIoHandler.newFactory());
        try {
            channel = new Bootstrap().group(group).channel(NioDatagramChannel.class)
                    .handler(new ChannelInitializer<DatagramChannel>() {
                        @Override
                        protected void initChannel(DatagramChannel ch) {
                            ch.pipeline().addLast(new DatagramDnsQueryDecoder(), new DatagramDnsResponseEncoder(),
                                    new Responder());
                        }
                    })
                    .bind(new InetSocketAddress("127.0.0.1", 0)).syncUninterruptibly().channel();
        } catch (RuntimeException e) {
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            throw e;
        }
    }

    public static TestDnsServer start() {
        return new TestDnsServer();
    }

    /** {@code 127.0.0.1:PORT}, as {@code dns.resolvers} takes it. */
    public String address() {
        return "127.0.0.1:" + ((InetSocketAddress) channel.localAddress()).getPort();
    }

    /** Replaces the A records of {@code name}. */
    public TestDnsServer a(String name, long ttl, String... ips) {
        return addresses(name, DnsRecordType.A, ttl, ips);
    }

    /** Replaces the AAAA records of {@code name}. */
    public TestDnsServer aaaa(String name, long ttl, String... ips) {
        return addresses(name, DnsRecordType.AAAA, ttl, ips);
    }

    private TestDnsServer addresses(String name, DnsRecordType type, long ttl, String... ips) {
        List<Rr> rrs = new ArrayList<>();
        for (String ip : ips) {
            try {
                rrs.add(new Rr(ttl, InetAddress.getByName(ip).getAddress()));
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("not an IP literal: " + ip, e);
            }
        }
        name(name).records.put(type, rrs);
        return this;
    }

    /** Replaces the SRV records of {@code name}. */
    public TestDnsServer srv(String name, long ttl, Srv... targets) {
        List<Rr> rrs = new ArrayList<>();
        for (Srv s : targets) {
            ByteBuf b = Unpooled.buffer();
            b.writeShort(s.priority()).writeShort(s.weight()).writeShort(s.port());
            for (String label : s.target().split("\\.")) {
                byte[] bytes = label.getBytes(StandardCharsets.US_ASCII);
                b.writeByte(bytes.length).writeBytes(bytes);
            }
            b.writeByte(0);
            byte[] data = new byte[b.readableBytes()];
            b.readBytes(data);
            rrs.add(new Rr(ttl, data));
        }
        name(name).records.put(DnsRecordType.SRV, rrs);
        return this;
    }

    /** Every query for {@code name} is answered with {@code rcode} and no records; null undoes it. */
    public TestDnsServer rcode(String name, DnsResponseCode rcode) {
        name(name).rcode = rcode;
        return this;
    }

    /** Queries for {@code name} go unanswered (as if packets were lost) while {@code on}. */
    public TestDnsServer drop(String name, boolean on) {
        name(name).drop = on;
        return this;
    }

    /** Answers for {@code name} leave {@code delay} after their query arrived: a slow resolver. */
    public TestDnsServer delay(String name, java.time.Duration delay) {
        name(name).delayMillis = delay.toMillis();
        return this;
    }

    /** Every query goes unanswered while {@code on}: the resolver is down. */
    public TestDnsServer dropAll(boolean on) {
        dropAll = on;
        return this;
    }

    /** Queries received so far for {@code name} and {@code type}. */
    public int queries(String name, DnsRecordType type) {
        String key = key(name);
        int n = 0;
        for (Query q : queries) {
            if (q.name.equals(key) && q.type.equals(type)) {
                n++;
            }
        }
        return n;
    }

    public List<Query> queries() {
        return List.copyOf(queries);
    }

    private Name name(String name) {
        return zone.computeIfAbsent(key(name), k -> new Name());
    }

    private static String key(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS).syncUninterruptibly();
    }

    private final class Responder extends SimpleChannelInboundHandler<DatagramDnsQuery> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramDnsQuery query) {
            DnsQuestion question = query.recordAt(DnsSection.QUESTION);
            String qname = key(question.name());
            queries.add(new Query(qname, question.type(), System.nanoTime()));
            Name entry = zone.get(qname);
            if (dropAll || (entry != null && entry.drop)) {
                return;
            }
            DnsResponseCode rcode = entry == null ? DnsResponseCode.NXDOMAIN
                    : entry.rcode != null ? entry.rcode : DnsResponseCode.NOERROR;
            DatagramDnsResponse response = new DatagramDnsResponse((InetSocketAddress) ctx.channel().localAddress(),
                    query.sender(), query.id(), DnsOpCode.QUERY, rcode);
            response.setAuthoritativeAnswer(true).setRecursionAvailable(true).setRecursionDesired(query.isRecursionDesired());
            response.addRecord(DnsSection.QUESTION, new DefaultDnsQuestion(question.name(), question.type()));
            if (entry != null && entry.rcode == null) {
                for (Rr rr : entry.records.getOrDefault(question.type(), List.of())) {
                    response.addRecord(DnsSection.ANSWER, new DefaultDnsRawRecord(question.name(), question.type(),
                            rr.ttl, Unpooled.wrappedBuffer(rr.data)));
                }
            }
            long delay = entry == null ? 0 : entry.delayMillis;
            if (delay > 0) {
                ctx.executor().schedule(() -> ctx.writeAndFlush(response), delay, TimeUnit.MILLISECONDS);
            } else {
                ctx.writeAndFlush(response);
            }
        }
    }
}
