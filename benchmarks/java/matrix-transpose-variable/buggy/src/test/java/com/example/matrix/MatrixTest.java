package com.example.matrix;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;

import org.junit.Test;

public class MatrixTest {
    private final Matrix square = new Matrix(new double[][] {{1, 2}, {3, 4}});
    private final Matrix wide = new Matrix(new double[][] {{1, 2, 3}, {4, 5, 6}});

    @Test
    public void shape() {
        assertEquals(2, wide.rows());
        assertEquals(3, wide.cols());
    }

    @Test
    public void transposeSquare() {
        assertEquals(new Matrix(new double[][] {{1, 3}, {2, 4}}), square.transpose());
    }

    @Test
    public void transposeWide() {
        assertEquals(new Matrix(new double[][] {{1, 4}, {2, 5}, {3, 6}}), wide.transpose());
    }

    @Test
    public void transposeTwiceIsIdentity() {
        assertEquals(wide, wide.transpose().transpose());
    }

    @Test
    public void differentMatricesAreNotEqual() {
        assertNotEquals(square, wide);
        assertNotEquals(square, square.transpose());
    }

    @Test
    public void multiply() {
        assertEquals(new Matrix(new double[][] {{7, 10}, {15, 22}}), square.times(square));
    }

    @Test(expected = IllegalArgumentException.class)
    public void multiplyRejectsBadShapes() {
        wide.times(wide);
    }
}
