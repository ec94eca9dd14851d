import assert from 'node:assert/strict';
import { detectLanguage, type DataLanguage } from '../../../../src/zk/codecs';

const samples: Record<DataLanguage, [string, string][]> = {
  json: [
    [
      'a Kafka broker registration',
      '{"features":{},"listener_security_protocol_map":{"PLAINTEXT":"PLAINTEXT"},"endpoints":["PLAINTEXT://broker-1.kafka:9092"],"jmx_port":-1,"port":9092,"host":"broker-1.kafka","version":5,"timestamp":"1700000000000"}',
    ],
    ['a Kafka topic assignment', '{"version":3,"partitions":{"0":[1,2,3],"1":[2,3,1]},"adding_replicas":{},"removing_replicas":{}}'],
    ['a pretty-printed object', '{\n  "controller": 1,\n  "epoch": 7\n}\n'],
    ['an array', '[1, 2, 3]'],
    ['an empty object', '{}'],
    ['an empty array', '[]'],
    ['an object after a BOM and whitespace', '\ufeff \n {"a": 1}'],
    ['a Solr collection state', '{"collection1":{"shards":{"shard1":{"range":"80000000-7fffffff","state":"active"}}}}'],
  ],
  xml: [
    ['an XML declaration', '<?xml version="1.0" encoding="UTF-8"?>\n<config/>'],
    [
      'a Solr schema',
      '<?xml version="1.0" encoding="UTF-8" ?>\n<schema name="example" version="1.6">\n  <field name="id" type="string" indexed="true" stored="true" required="true"/>\n  <uniqueKey>id</uniqueKey>\n</schema>\n',
    ],
    [
      'an HBase site file without a declaration',
      '<configuration>\n  <property>\n    <name>hbase.zookeeper.quorum</name>\n    <value>zk1,zk2,zk3</value>\n  </property>\n</configuration>',
    ],
    ['a solrconfig with a leading comment', '<!-- Solr config -->\n<config>\n  <luceneMatchVersion>9.0</luceneMatchVersion>\n</config>'],
    ['a document with a doctype', '<!DOCTYPE note>\n<note><to>Tove</to></note>'],
    ['a self-closing root', '<clusterstate version="3" />'],
    ['a namespaced root', '<beans:beans xmlns:beans="http://www.springframework.org/schema/beans"></beans:beans>'],
    ['an element after whitespace and a BOM', '\ufeff\n   <a>text</a>  \n'],
  ],
  yaml: [
    [
      'Spring-style configuration',
      'spring:\n  application:\n    name: orders\n  datasource:\n    url: jdbc:postgresql://db:5432/orders?ssl=true\n    username: app\nserver:\n  port: 8080\n',
    ],
    ['a document start', '---\nname: x\n'],
    ['a bare document start', '---'],
    ['a document start with a scalar', '--- hello'],
    ['a YAML directive', '%YAML 1.2\n---\na: 1'],
    ['flat key: value lines', 'host: broker-1\nport: 9092\n'],
    ['a list', '- zk1:2181\n- zk2:2181\n- zk3:2181\n'],
    ['a list of mappings', 'brokers:\n  - id: 1\n    host: a\n  - id: 2\n    host: b\n'],
    ['a list at the parent key level', 'servers:\n- a\n- b\n'],
    ['comments and quoted keys', '# cluster\n"key one": 1\n\'key two\': 2  # trailing\n'],
    ['a block scalar with arbitrary content', 'script: |\n  #!/bin/sh\n  echo a=b: c\n  - not a list\nnext: 1\n'],
    ['a folded scalar', 'description: >-\n  some long\n  text\nname: x\n'],
    ['empty values', 'a:\nb:\n'],
    ['Kubernetes-ish', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: zk\ndata:\n  zoo.cfg: |\n    tickTime=2000\n    dataDir=/data\n'],
  ],
  properties: [
    [
      'log4j.properties',
      '# Root logger\nlog4j.rootLogger=INFO, stdout\n\nlog4j.appender.stdout=org.apache.log4j.ConsoleAppender\nlog4j.appender.stdout.layout=org.apache.log4j.PatternLayout\nlog4j.appender.stdout.layout.ConversionPattern=%d{ISO8601} [%t] %-5p %c{2}: %m%n\n',
    ],
    ['zoo.cfg', 'tickTime=2000\ndataDir=/var/lib/zookeeper\nclientPort=2181\nserver.1=zk1:2888:3888\n'],
    ['"!" comments', '! generated\nkey=value\n'],
    ['a single entry with a comment', '# only one\nenabled=true'],
    ['spaces around "="', 'a = 1\nb = 2'],
    ['continuation lines', 'fruits=apple, \\\n    banana, \\\n    pear\ncolor=red\n'],
    ['a mix of "=" and ":" entries', 'a=1\nb: 2\nc:3\n'],
    ['CRLF line ends', 'a=1\r\nb=2\r\n'],
    ['escaped characters in keys', 'path\\ with\\ spaces=1\nkey\\=x=2\n'],
  ],
  plaintext: [
    ['an empty string', ''],
    ['whitespace only', '  \n\t\n'],
    ['a BOM only', '\ufeff'],
    ['a host:port', '10.0.0.1:8080'],
    ['a hostname and port', 'broker-1.kafka.svc.cluster.local:9092'],
    ['a connection string', 'zk1:2181,zk2:2181,zk3:2181/kafka'],
    ['host:port lines', 'zk1:2181\nzk2:2181\n'],
    ['a URL', 'https://example.com:8443/path?a=b'],
    ['a bare number', '42'],
    ['a negative decimal', '-1.5'],
    ['a JSON string', '"hello"'],
    ['true', 'true'],
    ['null', 'null'],
    ['broken JSON', '{"a": 1,}'],
    ['an unclosed XML element', '<config>\n<a>1</a>'],
    ['mismatched XML root', '<a>1</b>'],
    ['a comparison, not XML', '<3 and >2'],
    ['a single key: value', 'status: ok'],
    ['a single key=value', 'enabled=true'],
    ['a sentence', 'Hello world, this is a note.'],
    ['a timestamp', '2024-01-01T12:00:00Z'],
    ['a log line', '2024-01-01 12:00:00,123 INFO  [main] Server started'],
    ['a UUID', '3f2c9a8e-1b4d-4f6a-9c2e-7d8b1a0e5f34'],
    ['tab-indented YAML-looking text', 'a:\n\tb: 1\n'],
    ['inconsistent indentation', 'a: 1\n  b: 2\n'],
    ['a dedent to an unknown level', 'a:\n    b: 1\n  c: 2\n'],
    ['prose with a colon', 'Note: this is a sentence\nand another line without one'],
    ['a flow mapping', '{a: 1, b: 2}'],
    ['a shell script', '#!/bin/sh\necho hello\n'],
    ['"=" entries among prose', 'a=1\nthis is not a property line\n'],
  ],
};

describe('zk/codecs/language', () => {
  for (const [language, cases] of Object.entries(samples)) {
    describe(language, () => {
      for (const [what, text] of cases) {
        it(`detects ${what}`, () => assert.equal(detectLanguage(text), language));
      }
    });
  }

  // The time is printed, not asserted (a busy machine is slow, not wrong); the tier's per-test
  // timeout is the hang guard.
  it('handles large input (time printed)', () => {
    const big = `{"items":[${Array.from({ length: 20000 }, (_, i) => `{"id":${i}}`).join(',')}]}`;
    const props = Array.from({ length: 20000 }, (_, i) => `key${i}=value${i}`).join('\n');
    const yaml = Array.from({ length: 20000 }, (_, i) => `key${i}:\n  value: ${i}`).join('\n');
    const started = Date.now();
    assert.equal(detectLanguage(big), 'json');
    assert.equal(detectLanguage(props), 'properties');
    assert.equal(detectLanguage(yaml), 'yaml');
    assert.equal(detectLanguage('x'.repeat(1_000_000)), 'plaintext');
    console.log(`    detected 4 large inputs in ${Date.now() - started} ms`);
  });
});
