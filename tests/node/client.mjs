// Runs SELECT, ASK, CONSTRUCT and DESCRIBE with sparql-http-client (a Node SPARQL client)
// against the endpoint given as argv[2], by GET and by POST, and prints what it got as JSON.
// Driven by tests/test_node_client.py.
import ParsingClient from 'sparql-http-client/ParsingClient.js'

const endpointUrl = process.argv[2]
const client = new ParsingClient({ endpointUrl })
const out = {}
const members = 'PREFIX ip4: <https://w3id.org/ip4graph/ontology#> PREFIX ip4d: <https://w3id.org/ip4graph/id/> ' +
  'SELECT ?m WHERE { ?m ip4:memberOf ip4d:ip4 } ORDER BY ?m'
for (const operation of ['get', 'postUrlencoded', 'postDirect']) {
  const rows = await client.query.select(members, { operation })
  out[`select_${operation}`] = rows.map(r => r.m.value)
}
out.ask = await client.query.ask('ASK { <https://w3id.org/ip4graph/id/japan> <https://w3id.org/ip4graph/ontology#memberOf> <https://w3id.org/ip4graph/id/ip4> }')
const constructed = await client.query.construct(
  'CONSTRUCT { ?m <https://w3id.org/ip4graph/ontology#memberOf> <https://w3id.org/ip4graph/id/ip4> } ' +
  'WHERE { ?m <https://w3id.org/ip4graph/ontology#memberOf> <https://w3id.org/ip4graph/id/ip4> }')
out.construct = [...constructed].map(q => [q.subject.value, q.predicate.value, q.object.value])
const described = await client.query.construct('DESCRIBE <https://w3id.org/ip4graph/id/japan>')
out.describe = described.size
const lit = await client.query.select('SELECT ?x WHERE { BIND("a\\tb"@en AS ?x) }')
out.literal = { value: lit[0].x.value, language: lit[0].x.language }
console.log(JSON.stringify(out))
