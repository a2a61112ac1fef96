// Runs the OWL API's own OWL 2 RL profile checker (org.semanticweb.owlapi.profiles.OWL2RLProfile)
// and HermiT's consistency check on the files given; this file only calls them and prints their
// findings, one per line, so a test can assert on them. Usage:
//   java -cp <owlapi and hermit jars>:. ProfileCheck profile <file.ttl>...
//   java -cp ... ProfileCheck consistent <file.ttl>...       (HermiT)
//   java -cp ... ProfileCheck consistent-pellet <file.ttl>... (Openllet, the Pellet successor)
import java.io.File;
import org.semanticweb.owlapi.apibinding.OWLManager;
import org.semanticweb.owlapi.model.*;
import org.semanticweb.owlapi.profiles.*;
import org.semanticweb.HermiT.ReasonerFactory;
import org.semanticweb.owlapi.reasoner.OWLReasoner;

public class ProfileCheck {
    public static void main(String[] args) throws Exception {
        OWLOntologyManager m = OWLManager.createOWLOntologyManager();
        OWLOntology merged = m.createOntology(IRI.create("urn:ip4graph:check"));
        for (int i = 1; i < args.length; i++) {
            OWLOntology o = m.loadOntologyFromOntologyDocument(new File(args[i]));
            m.addAxioms(merged, o.axioms());
        }
        if (args[0].equals("profile")) {
            OWLProfileReport r = new OWL2RLProfile().checkOntology(merged);
            for (OWLProfileViolation v : r.getViolations()) {
                System.out.println("VIOLATION\t" + v.getClass().getSimpleName() + "\t" + v.toString().replace('\n', ' '));
            }
            System.out.println("VIOLATIONS\t" + r.getViolations().size());
        } else if (args[0].equals("consistent-pellet")) {
            OWLReasoner reasoner = openllet.owlapi.OpenlletReasonerFactory.getInstance().createReasoner(merged);
            System.out.println("CONSISTENT\t" + reasoner.isConsistent());
        } else {
            OWLReasoner reasoner = new ReasonerFactory().createReasoner(merged);
            System.out.println("CONSISTENT\t" + reasoner.isConsistent());
        }
    }
}
