package jitfleet.bench;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.standard.StandardAnalyzer;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.PhraseQuery;
import org.apache.lucene.search.PrefixQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.Sort;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.RAMDirectory;
import org.apache.lucene.util.Version;

/**
 * Lucene 4.10: each iteration indexes generated documents into a RAMDirectory with the
 * standard analyzer, then runs term, boolean, phrase and prefix queries ranked by score.
 *
 * <p>The checksum takes hit counts and the top documents in index order, never scores or
 * score order, so that a one-ulp difference in a math intrinsic between JDKs cannot change it.
 */
final class LuceneWorkload implements Workload {
    private static final Version VERSION = Version.LUCENE_4_10_0;
    private static final String[] SYLLABLES = {"ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo", "ze", "ba", "do", "fu"};

    private String[] vocabulary;
    private String[] documents;
    private Query[] queries;

    @Override
    public void setUp(String[] args) {
        int count = args.length > 0 ? Integer.parseInt(args[0]) : 1_000;
        Lcg random = new Lcg(11);
        vocabulary = new String[3_000];
        for (int w = 0; w < vocabulary.length; w++) {
            StringBuilder word = new StringBuilder();
            for (int s = 2 + random.nextInt(3); s > 0; s--) {
                word.append(SYLLABLES[random.nextInt(SYLLABLES.length)]);
            }
            vocabulary[w] = word.toString() + w;
        }
        documents = new String[count];
        for (int d = 0; d < count; d++) {
            StringBuilder text = new StringBuilder();
            for (int n = 40 + random.nextInt(120); n > 0; n--) {
                text.append(word(random)).append(n % 13 == 0 ? ". " : " ");
            }
            documents[d] = text.toString();
        }
        queries = new Query[200];
        for (int q = 0; q < queries.length; q++) {
            queries[q] = query(q % 4, random);
        }
    }

    /** Skewed choice: low word numbers are far more frequent, as in natural text. */
    private String word(Lcg random) {
        int rank = random.nextInt(vocabulary.length);
        return vocabulary[random.nextInt(rank + 1)];
    }

    private Query query(int kind, Lcg random) {
        switch (kind) {
            case 0:
                return new TermQuery(new Term("body", word(random)));
            case 1: {
                BooleanQuery query = new BooleanQuery();
                query.add(new TermQuery(new Term("body", word(random))), BooleanClause.Occur.MUST);
                query.add(new TermQuery(new Term("body", word(random))), BooleanClause.Occur.SHOULD);
                query.add(new TermQuery(new Term("body", word(random))), BooleanClause.Occur.MUST_NOT);
                return query;
            }
            case 2: {
                PhraseQuery query = new PhraseQuery();
                query.add(new Term("body", word(random)));
                query.add(new Term("body", word(random)));
                query.setSlop(3);
                return query;
            }
            default:
                return new PrefixQuery(new Term("body", vocabulary[random.nextInt(40)].substring(0, 3)));
        }
    }

    @Override
    public long iterate() throws Exception {
        RAMDirectory directory = new RAMDirectory();
        Analyzer analyzer = new StandardAnalyzer(VERSION);
        try (IndexWriter writer = new IndexWriter(directory, new IndexWriterConfig(VERSION, analyzer))) {
            for (int d = 0; d < documents.length; d++) {
                Document document = new Document();
                document.add(new StringField("id", Integer.toString(d), Field.Store.YES));
                document.add(new TextField("body", documents[d], Field.Store.NO));
                writer.addDocument(document);
            }
        }
        Checksum checksum = new Checksum();
        try (DirectoryReader reader = DirectoryReader.open(directory)) {
            IndexSearcher searcher = new IndexSearcher(reader);
            for (Query query : queries) {
                TopDocs ranked = searcher.search(query, 10);
                checksum.add(ranked.totalHits);
                TopDocs ordered = searcher.search(query, 5, Sort.INDEXORDER);
                for (ScoreDoc hit : ordered.scoreDocs) {
                    checksum.add(searcher.doc(hit.doc).get("id"));
                }
            }
        }
        directory.close();
        return checksum.value();
    }
}
