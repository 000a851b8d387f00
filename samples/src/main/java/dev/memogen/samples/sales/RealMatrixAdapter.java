package dev.memogen.samples.sales;

import dev.memogen.MemoAdapter;
import org.apache.commons.math3.linear.MatrixUtils;
import org.apache.commons.math3.linear.RealMatrix;

/** Lets memogen hash and store commons-math's {@link RealMatrix} as its entries. */
public final class RealMatrixAdapter implements MemoAdapter<RealMatrix, double[][]> {
    @Override
    public double[][] toStored(RealMatrix m) {
        return m.getData();
    }

    @Override
    public RealMatrix fromStored(double[][] data) {
        return MatrixUtils.createRealMatrix(data);
    }
}
