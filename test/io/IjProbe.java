// Prints, for each TIFF path given, one JSON line with what ImageJ's own
// reader (ij.io.Opener) sees: stack size, bit depth, calibration and every
// voxel value. Used by test/io/writeTiff.test.ts; run as a single-file source
// program: java -Djava.awt.headless=true -cp ij.jar IjProbe.java a.tif ...
import ij.ImagePlus;
import ij.io.Opener;
import ij.measure.Calibration;
import ij.process.ImageProcessor;

public class IjProbe {
  public static void main(String[] args) {
    for (String path : args) {
      ImagePlus imp = new Opener().openImage(path);
      StringBuilder sb = new StringBuilder("{\"path\":\"").append(path.replace("\\", "\\\\").replace("\"", "\\\"")).append("\"");
      if (imp == null) {
        System.out.println(sb.append(",\"error\":\"ImageJ could not open the file\"}"));
        continue;
      }
      Calibration c = imp.getCalibration();
      sb.append(",\"nz\":").append(imp.getStackSize()).append(",\"ny\":").append(imp.getHeight()).append(",\"nx\":").append(imp.getWidth());
      sb.append(",\"bitDepth\":").append(imp.getBitDepth());
      sb.append(",\"pixelDepth\":").append(c.pixelDepth).append(",\"pixelHeight\":").append(c.pixelHeight).append(",\"pixelWidth\":").append(c.pixelWidth);
      sb.append(",\"unit\":\"").append(c.getUnit()).append("\",\"values\":[");
      int n = imp.getWidth() * imp.getHeight();
      for (int z = 1; z <= imp.getStackSize(); z++) {
        ImageProcessor ip = imp.getStack().getProcessor(z);
        for (int i = 0; i < n; i++) {
          if (z > 1 || i > 0) sb.append(",");
          float v = ip.getf(i);
          if (Float.isNaN(v)) sb.append("null");
          else if (Float.isInfinite(v)) sb.append(v > 0 ? "1e999" : "-1e999");
          else sb.append(v);
        }
      }
      System.out.println(sb.append("]}"));
    }
  }
}
