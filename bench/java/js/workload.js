// Rhino workload: a small expression-language interpreter (tokenizer, recursive-descent
// parser, tree evaluator), a prime sieve, sorting records with a comparator, string
// building and a JSON round trip. The value of the last expression is the checksum.

function tokenize(text) {
  var tokens = [], i = 0;
  while (i < text.length) {
    var c = text.charAt(i);
    if (c === ' ') { i++; continue; }
    if (c >= '0' && c <= '9') {
      var start = i;
      while (i < text.length && text.charAt(i) >= '0' && text.charAt(i) <= '9') i++;
      tokens.push({ kind: 'num', value: parseInt(text.substring(start, i), 10) });
    } else if (c >= 'a' && c <= 'z') {
      tokens.push({ kind: 'var', value: c }); i++;
    } else {
      tokens.push({ kind: 'op', value: c }); i++;
    }
  }
  return tokens;
}

function Parser(tokens) { this.tokens = tokens; this.pos = 0; }
Parser.prototype.peek = function () { return this.tokens[this.pos]; };
Parser.prototype.next = function () { return this.tokens[this.pos++]; };
Parser.prototype.expr = function () {
  var left = this.term();
  while (this.peek() && (this.peek().value === '+' || this.peek().value === '-')) {
    var op = this.next().value;
    left = { op: op, left: left, right: this.term() };
  }
  return left;
};
Parser.prototype.term = function () {
  var left = this.factor();
  while (this.peek() && (this.peek().value === '*' || this.peek().value === '%')) {
    var op = this.next().value;
    left = { op: op, left: left, right: this.factor() };
  }
  return left;
};
Parser.prototype.factor = function () {
  var t = this.next();
  if (t.value === '(') { var e = this.expr(); this.next(); return e; }
  return t.kind === 'num' ? { num: t.value } : { name: t.value };
};

function evaluate(node, env) {
  if (node.num !== undefined) return node.num;
  if (node.name !== undefined) return env[node.name];
  var a = evaluate(node.left, env), b = evaluate(node.right, env);
  switch (node.op) {
    case '+': return (a + b) | 0;
    case '-': return (a - b) | 0;
    case '*': return Math.imul(a, b);
    default: return b === 0 ? a : a % b;
  }
}

var seed = 12345;
function random(bound) { seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff; return seed % bound; }

function randomExpression(depth) {
  if (depth === 0 || random(4) === 0) {
    return random(3) === 0 ? 'xyz'.charAt(random(3)) : String(random(100));
  }
  var ops = '+-*%';
  return '(' + randomExpression(depth - 1) + ' ' + ops.charAt(random(4)) + ' ' + randomExpression(depth - 1) + ')';
}

function interpreterPart() {
  var sum = 0;
  for (var e = 0; e < 150; e++) {
    var tree = new Parser(tokenize(randomExpression(6))).expr();
    for (var x = 0; x < 20; x++) {
      sum = (sum + evaluate(tree, { x: x, y: e, z: x * e })) | 0;
    }
  }
  return sum;
}

function sievePart() {
  var limit = 100000, composite = [], count = 0;
  for (var n = 2; n < limit; n++) {
    if (!composite[n]) {
      count++;
      for (var m = n * 2; m < limit; m += n) composite[m] = true;
    }
  }
  return count;
}

function sortPart() {
  var records = [];
  for (var i = 0; i < 10000; i++) {
    records.push({ id: i, group: random(50), score: random(100000) });
  }
  records.sort(function (a, b) { return a.group - b.group || b.score - a.score || a.id - b.id; });
  var h = 0;
  for (var j = 0; j < records.length; j += 97) h = (Math.imul(h, 31) + records[j].id) | 0;
  return h;
}

function stringPart() {
  var parts = [];
  for (var i = 0; i < 2500; i++) {
    parts.push({ key: 'k' + i, words: ('w' + random(1000) + ' w' + random(1000)).toUpperCase().split(' ') });
  }
  var text = JSON.stringify(parts);
  var back = JSON.parse(text);
  var h = text.length;
  for (var j = 0; j < back.length; j += 13) h = (Math.imul(h, 17) + back[j].words[1].length + back[j].key.charCodeAt(1)) | 0;
  return h;
}

seed = 12345;
(((interpreterPart() ^ sievePart()) + sortPart()) ^ stringPart()) | 0;
