// The logic handler compared across engines by `miniapp bench --peers`: filter and sort 10,000
// records and build the set-data patch. The wasm side is the `filterSort` handler of the
// benchmark guest (GUEST_SOURCE in runtime/cli/src/commands/bench.rs); the two must compute the
// same patch, and the bench checks that they do. Plain ES2020, no modules, so that Node.js and
// QuickJS run the same text.

var RECORDS = 10000;
var TOP = 50;

// xorshift32, the same sequence as the guest's.
function makeRecords() {
  var x = 2463534242;
  var out = new Array(RECORDS);
  for (var i = 0; i < RECORDS; i++) {
    x = (x ^ (x << 13)) >>> 0;
    x = (x ^ (x >>> 17)) >>> 0;
    x = (x ^ (x << 5)) >>> 0;
    var n = String((x >>> 4) % 100000);
    while (n.length < 5) n = "0" + n;
    out[i] = { id: i, name: "item " + n, score: x % 100000, tag: (x >>> 8) % 8 };
  }
  return out;
}

function filterSort(records) {
  var kept = records.filter(function (r) { return r.tag !== 0 && r.score % 3 !== 0; });
  kept.sort(function (a, b) {
    if (a.score !== b.score) return b.score - a.score;
    if (a.name !== b.name) return a.name < b.name ? -1 : 1;
    return a.id - b.id;
  });
  var top = kept.slice(0, TOP).map(function (r) { return { id: r.id, name: r.name, score: r.score }; });
  return JSON.stringify({ total: kept.length, top: top });
}
