package com.example.matrix;

import java.util.Arrays;

/** An immutable dense matrix of doubles. */
public final class Matrix {
    private final double[][] cells;

    public Matrix(double[][] cells) {
        this.cells = new double[cells.length][];
        for (int i = 0; i < cells.length; i++) {
            this.cells[i] = cells[i].clone();
        }
    }

    public int rows() {
        return cells.length;
    }

    public int cols() {
        return cells.length == 0 ? 0 : cells[0].length;
    }

    public double get(int row, int col) {
        return cells[row][col];
    }

    public Matrix transpose() {
        int rows = rows();
        int cols = cols();
        double[][] result = new double[cols][cols];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                result[j][i] = cells[i][j];
            }
        }
        return new Matrix(result);
    }

    public Matrix times(Matrix other) {
        if (cols() != other.rows()) {
            throw new IllegalArgumentException("shapes do not match");
        }
        double[][] result = new double[rows()][other.cols()];
        for (int i = 0; i < rows(); i++) {
            for (int j = 0; j < other.cols(); j++) {
                double sum = 0;
                for (int k = 0; k < cols(); k++) {
                    sum += cells[i][k] * other.cells[k][j];
                }
                result[i][j] = sum;
            }
        }
        return new Matrix(result);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Matrix && Arrays.deepEquals(cells, ((Matrix) o).cells);
    }

    @Override
    public int hashCode() {
        return Arrays.deepHashCode(cells);
    }

    @Override
    public String toString() {
        return Arrays.deepToString(cells);
    }
}
