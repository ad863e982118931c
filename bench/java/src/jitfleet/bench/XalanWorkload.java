package jitfleet.bench;

import java.io.StringReader;
import java.io.StringWriter;
import javax.xml.transform.Templates;
import javax.xml.transform.Transformer;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.stream.StreamResult;
import javax.xml.transform.stream.StreamSource;

/**
 * Xalan-J (the interpretive processor from xalan2.jar, not the JDK's built-in XSLTC):
 * each iteration compiles a stylesheet and transforms a generated catalogue into an HTML
 * report with keyed grouping, sorting, sums and number formatting.
 */
final class XalanWorkload implements Workload {
    private static final String[] CATEGORIES = {"books", "music", "garden", "tools", "toys", "food", "sports", "office"};
    private static final String STYLESHEET = String.join("\n",
            "<xsl:stylesheet version='1.0' xmlns:xsl='http://www.w3.org/1999/XSL/Transform'>",
            "<xsl:output method='html' indent='yes'/>",
            "<xsl:key name='by-category' match='item' use='@category'/>",
            "<xsl:template match='/catalog'>",
            " <html><body>",
            "  <xsl:for-each select='item[generate-id() = generate-id(key(\"by-category\", @category)[1])]'>",
            "   <xsl:sort select='@category'/>",
            "   <xsl:variable name='group' select='key(\"by-category\", @category)'/>",
            "   <h2><xsl:value-of select='translate(@category, \"abcdefghijklmnopqrstuvwxyz\", \"ABCDEFGHIJKLMNOPQRSTUVWXYZ\")'/></h2>",
            "   <p>items: <xsl:value-of select='count($group)'/>,",
            "      total: <xsl:value-of select='format-number(sum($group/price), \"#,##0.00\")'/></p>",
            "   <table>",
            "    <xsl:apply-templates select='$group[price &gt; 50]'>",
            "     <xsl:sort select='price' data-type='number' order='descending'/>",
            "     <xsl:sort select='name'/>",
            "    </xsl:apply-templates>",
            "   </table>",
            "  </xsl:for-each>",
            " </body></html>",
            "</xsl:template>",
            "<xsl:template match='item'>",
            " <tr class='{substring(\"oddeven\", 1 + 3 * (position() mod 2), 4 - (position() mod 2))}'>",
            "  <td><xsl:value-of select='position()'/></td>",
            "  <td><xsl:value-of select='concat(substring(name, 1, 12), \"...\")'/></td>",
            "  <td><xsl:value-of select='format-number(price, \"0.00\")'/></td>",
            "  <td><xsl:choose><xsl:when test='stock = 0'>sold out</xsl:when>",
            "   <xsl:when test='stock &lt; 10'>few</xsl:when><xsl:otherwise>many</xsl:otherwise></xsl:choose></td>",
            "  <td><xsl:for-each select='tag'><xsl:value-of select='.'/><xsl:if test='position() != last()'>,</xsl:if></xsl:for-each></td>",
            " </tr>",
            "</xsl:template>",
            "</xsl:stylesheet>");

    private String document;

    @Override
    public void setUp(String[] args) {
        int items = args.length > 0 ? Integer.parseInt(args[0]) : 1_000;
        Lcg random = new Lcg(7);
        StringBuilder xml = new StringBuilder("<?xml version='1.0'?>\n<catalog>\n");
        for (int i = 0; i < items; i++) {
            xml.append("<item id='").append(i).append("' category='")
                    .append(CATEGORIES[random.nextInt(CATEGORIES.length)]).append("'>")
                    .append("<name>product number ").append(random.nextInt(1_000_000)).append(" deluxe</name>")
                    .append("<price>").append(random.nextInt(20_000) / 100.0).append("</price>")
                    .append("<stock>").append(random.nextInt(40)).append("</stock>");
            for (int t = random.nextInt(4); t > 0; t--) {
                xml.append("<tag>t").append(random.nextInt(50)).append("</tag>");
            }
            xml.append("</item>\n");
        }
        document = xml.append("</catalog>\n").toString();
    }

    @Override
    public long iterate() throws Exception {
        TransformerFactory factory = new org.apache.xalan.processor.TransformerFactoryImpl();
        Templates templates = factory.newTemplates(new StreamSource(new StringReader(STYLESHEET)));
        Transformer transformer = templates.newTransformer();
        StringWriter out = new StringWriter();
        transformer.transform(new StreamSource(new StringReader(document)), new StreamResult(out));
        return Checksum.of(out.toString());
    }
}
